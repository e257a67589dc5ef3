// Every error of the integration API has one shape: a stable machine code, a message for the
// developer reading it, and the field at fault (null when no one field is). Status codes mean
// what their names say; the codes below never change once published.
import { z } from 'zod';

export const API_ERROR_CODES = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 409,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(API_ERROR_CODES) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string(),
      field: z.string().nullable(),
    }),
  })
  .meta({ id: 'Error' });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export function errorBody(code: ApiErrorCode, message: string, field: string | null = null): ApiErrorBody {
  return { error: { code, message, field } };
}

export function apiError(code: ApiErrorCode, message: string, field: string | null = null, headers?: HeadersInit): Response {
  return Response.json(errorBody(code, message, field), { status: API_ERROR_CODES[code], headers: { 'Cache-Control': 'no-store', ...headers } });
}

/** A zod issue's path as the API's field name: holder.phone, installments[2].due_date. */
export function fieldOf(path: readonly PropertyKey[]): string | null {
  if (!path.length) return null;
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}
