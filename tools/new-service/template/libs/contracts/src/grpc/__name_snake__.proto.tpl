// The __name__ service's gRPC contract. The TypeScript contracts in libs/contracts are the source of truth: field
// names match them exactly (loaded with keepCase), and proto-compat.ts fails the build if the two drift apart.
// After editing, run `npm run proto:generate` and commit libs/contracts/src/grpc/generated.
syntax = "proto3";

package __name_snake__;

service __Name__Service {
  rpc Create (Create__Name__ItemRequest) returns (__Name__ItemView);
}

message Create__Name__ItemRequest {
  string name = 1;
}

message __Name__ItemView {
  string id = 1;
  string name = 2;
  // ISO 8601 date-time.
  string createdAt = 3;
}
