// Recognises S3petInputError and its subclasses even when they come from another loaded copy of
// @s3pet/core (tests load core's source next to its dist), by the class names on the prototype chain.

export function isInputError(error: unknown): error is Error {
  for (let proto = error; proto !== null && typeof proto === "object"; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === "S3petInputError") return true;
  }
  return false;
}
