import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Lets an event handler's error reach `BusServer` as it was thrown. Nest's default RPC filter
 * replaces every unknown error by `{ status: 'error', message: 'Internal server error' }`, which
 * would hide the error's name and message from the dead-letter headers and turn a
 * `NonRetriableError` into a retried one. Register it on the microservice:
 * `app.useGlobalFilters(new BusExceptionFilter())`.
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
