/** A sign-in's posted username (trimmed) and password. */
export interface PostedFields {
  username: string;
  password: string;
}

/** The body's fields: JSON when the type says so, a form (URL-encoded or multipart) otherwise. */
async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (/json/i.test(type)) return request.json();
  if (!/^(?:application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type.trim())) return {};
  // Repeated fields: the last one counts.
  return Object.fromEntries(await request.formData());
}

/**
 * The posted `username` and `password`, or `undefined` when either is missing, empty, not text or
 * too long (a username of 256 characters, a password of 1024 at most). `readFields`: the fields a
 * framework has read already.
 */
export async function postedFields(
  request: Request,
  readFields: (() => unknown) | undefined,
): Promise<PostedFields | undefined> {
  let form: unknown;
  try {
    form = await (readFields ? readFields() : readBody(request));
  } catch {
    // Handled as missing fields.
  }
  const { username, password } = (form ?? {}) as Record<string, unknown>;
  if (
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    !username.trim() ||
    !password ||
    username.length > 256 ||
    password.length > 1024
  ) {
    return undefined;
  }
  return { username: username.trim(), password };
}
