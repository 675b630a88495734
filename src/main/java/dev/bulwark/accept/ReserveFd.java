package dev.bulwark.accept;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One file descriptor held back for emergencies, as nginx and libuv do: when accept() fails with EMFILE, the guard
 * frees it so the pending connections can be accepted and closed (instead of waiting forever in the backlog), then
 * takes it back once descriptors are available again.
 */
final class ReserveFd {
  private static final Path TARGET = Files.exists(Path.of("/dev/null")) ? Path.of("/dev/null") : null;

  private RandomAccessFile held;

  synchronized boolean acquire() {
    if (held != null) {
      return true;
    }
    try {
      held = TARGET != null ? new RandomAccessFile(TARGET.toFile(), "r") : null;
      return held != null;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** Frees the descriptor; true if one was held. */
  synchronized boolean release() {
    if (held == null) {
      return false;
    }
    try {
      held.close();
    } catch (IOException e) {
      // closing /dev/null does not fail in practice; either way the descriptor is gone
    }
    held = null;
    return true;
  }

  synchronized boolean isHeld() {
    return held != null;
  }
}
