package dev.bulwark.js;

/** An exception thrown or a promise rejected by worker script code; the message carries the JavaScript stack. */
final class JsError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JsError(String messageWithStack) {
    super(messageWithStack, null, false, false);
  }
}
