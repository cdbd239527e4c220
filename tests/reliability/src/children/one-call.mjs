// A script as a user writes it: build a connection, make one call, return.
// No close(), no unref(), no process.exit(). Credentials and the fakes'
// addresses come from the parent process in ONE_CALL_SETUP.
//
// Imports the built packages (run `npm run build` first).
import { JWTAuth } from '@umapi/auth-jwt';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';

const setup = JSON.parse(process.env.ONE_CALL_SETUP ?? '{}');
const mode = process.argv[2];

const auth = mode === 'jwt' ? new JWTAuth(setup.jwt) : new OAuthS2S(setup.oauth);
const connection = new Connection({ auth, endpoint: setup.endpoint });
const user = await connection.user(setup.email);

console.log(JSON.stringify({ found: user !== null }));
console.log('done');
