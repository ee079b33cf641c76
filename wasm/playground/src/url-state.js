// The state of every tab, kept in the URL fragment so a link reproduces it:
// `#v1.<base64url of deflate-raw(JSON {files: [[path, text], ...], active})>`.
// Compressed with the browser's CompressionStream: no library, nothing leaves the page.

const PREFIX = 'v1.';

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** `{files: [[path, text]...], active}` → fragment text (without `#`). */
export async function encodeState(state) {
  const json = new TextEncoder().encode(JSON.stringify({ files: state.files, active: state.active }));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** Fragment text (with or without `#`) → state, or null when it holds none or is damaged. */
export async function decodeState(fragment) {
  const text = fragment.replace(/^#/, '');
  if (!text.startsWith(PREFIX)) return null;
  try {
    const bytes = await pipe(fromBase64Url(text.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
    const state = JSON.parse(new TextDecoder().decode(bytes));
    if (!Array.isArray(state.files)) return null;
    const files = state.files.filter(
      (f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string' && f[0] !== '');
    return { files, active: typeof state.active === 'string' ? state.active : null };
  } catch {
    return null;
  }
}
