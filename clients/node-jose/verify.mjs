// Verifies access tokens the way a Node service would, knowing nothing of Keyturn but its issuer URL and audience:
// discovery gives jwks_uri, jose's remote JWK Set fetches and caches the keys, jwtVerify checks the signature, iss,
// aud, exp/nbf and the algorithm.
//
//   node verify.mjs ISSUER AUDIENCE TOKEN...
//
// prints one JSON line per token: {"valid":true,"sub":…,"roles":[…]} or {"valid":false,"code":"ERR_…"}.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuer, audience, ...tokens] = process.argv.slice(2);
if (!issuer || !audience || tokens.length === 0) {
  console.error('usage: node verify.mjs ISSUER AUDIENCE TOKEN...');
  process.exit(2);
}

const discovery = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : issuer + '/'));
if (!discovery.ok) {
  console.error(`discovery answered ${discovery.status}`);
  process.exit(1);
}
const metadata = await discovery.json();
if (metadata.issuer !== issuer) {
  console.error(`discovery names issuer ${metadata.issuer}, not ${issuer}`);
  process.exit(1);
}
const keys = createRemoteJWKSet(new URL(metadata.jwks_uri));
const algorithms = metadata.id_token_signing_alg_values_supported;

for (const token of tokens) {
  try {
    const { payload } = await jwtVerify(token, keys, { issuer, audience, algorithms });
    console.log(JSON.stringify({ valid: true, sub: payload.sub, roles: payload.roles }));
  } catch (error) {
    console.log(JSON.stringify({ valid: false, code: error.code ?? error.name, message: error.message }));
  }
}
