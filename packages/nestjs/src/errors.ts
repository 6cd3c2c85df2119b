export {
  ZENOTI_AUTH_ERROR_STATUS,
  type ZenotiAuthErrorBody,
  ZenotiAuthException,
  zenotiAuthErrorOf,
} from './zenoti-auth.exception.ts';
export { ZenotiAuthExceptionFilter } from './zenoti-auth.filter.ts';
export {
  type ZenotiResponseErrorBody,
  ZenotiResponseException,
} from './zenoti-response.exception.ts';
