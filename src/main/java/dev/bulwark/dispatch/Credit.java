package dev.bulwark.dispatch;

/**
 * The receiver's word on a streamed body, sent to its sender: {@code bytes} of its {@link Chunk}s are taken on
 * (a response's written to the client, a request's handed to the handler), or, with {@code cancel}, nothing more is
 * wanted (the client is gone, the handler is done without it).
 *
 * @param replyTo the address the chunks go to (with {@code id}, it names the stream)
 * @param id      the id of the request or outcome the body belongs to
 * @param bytes   how many body bytes were taken since the last credit
 * @param cancel  whether the stream is to stop
 */
public record Credit(String replyTo, long id, int bytes, boolean cancel) {
}
