import { ValidationError, ValidationPipeOptions } from '@nestjs/common';
import { DomainError } from './domain-error';

/**
 * The validation rules every app applies to incoming DTOs: unknown fields are rejected and types converted.
 * Services pass `toDomainError: true` so a bad message becomes a VALIDATION_FAILED answer, not a crash.
 */
export function validationOptions({ toDomainError = false } = {}): ValidationPipeOptions {
  return {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    ...(toDomainError && {
      exceptionFactory: (errors: ValidationError[]) =>
        new DomainError('VALIDATION_FAILED', flattenMessages(errors).join('; ')),
    }),
  };
}

function flattenMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...flattenMessages(error.children ?? []),
  ]);
}
