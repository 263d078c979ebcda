{
  "extends": "../../tsconfig.json",
  "compilerOptions": {
    "declaration": false,
    "outDir": "../../dist/apps/__name__"
  },
  "include": ["src/**/*", "../../libs/**/src/**/*"],
  "exclude": [
    "node_modules",
    "dist",
    "test",
    "**/*spec.ts",
    "src/**/testing/**",
    "../../libs/**/*.spec.ts",
    "../../libs/**/testing/**"
  ]
}
