/** The services that serve messages; each is also the name of its NATS queue group and RabbitMQ queue. */
export type ServiceName = 'user' | 'order';
