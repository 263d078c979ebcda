{
  "extends": "../../tsconfig.json",
  "compilerOptions": {
    "declaration": false,
    "outDir": "../../dist/apps/__name__"
  },
  "include": ["src/**/*", "../../libs/**/src/**/*"],
  "exclude": ["node_modules", "dist", "test", "**/*spec.ts", "../../libs/**/*.spec.ts", "../../libs/**/testing/**"]
}
