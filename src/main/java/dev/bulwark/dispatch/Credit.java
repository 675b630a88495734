package dev.bulwark.dispatch;

/**
 * The HTTP side's word on a streamed body, sent to the worker instance that streams it: {@code bytes} of its
 * {@link Chunk}s are written to the client, or, with {@code cancel}, the client is gone and nothing more is wanted.
 *
 * @param replyTo the address the chunks go to (with {@code id}, it names the stream)
 * @param id      the outcome's id
 * @param bytes   how many body bytes were written since the last credit
 * @param cancel  whether the stream is to stop
 */
public record Credit(String replyTo, long id, int bytes, boolean cancel) {
}
