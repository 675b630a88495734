package dev.bulwark.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a handler's source file (a {@code .java} file or a JavaScript worker) as UTF-8 text, with a problem that
 * says what is wrong with the file where {@link Files#readString} would say {@code Input length = 1} or
 * {@code NoSuchFileException} of something that exists.
 */
public final class SourceFiles {
  private SourceFiles() {
  }

  /** The text of {@code file}; fails with one problem naming the file when it is not a readable UTF-8 text file. */
  public static String read(Path file) throws HandlerLoadException {
    if (Files.isDirectory(file)) {
      throw new HandlerLoadException(file + ": is a directory, not a source file");
    }
    if (!Files.exists(file)) {
      throw new HandlerLoadException(file + ": no such file (looked at " + file.toAbsolutePath() + ")");
    }
    if (!Files.isRegularFile(file)) {
      // A pipe, a device or a socket: read once it would be gone, and not there for a second worker or a restart.
      throw new HandlerLoadException(file + ": is not a regular file (a pipe, a device?); give the path of a file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (AccessDeniedException e) {
      throw new HandlerLoadException(file + ": cannot read: permission denied");
    } catch (IOException e) {
      throw new HandlerLoadException(file + ": cannot read: " + e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, out, true);
    if (result.isError()) {
      int at = in.position(); // the first byte of the sequence that is not UTF-8
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new HandlerLoadException(file + ":" + line + ": is not UTF-8 text (byte " + at + " is 0x"
          + String.format("%02x", bytes[at] & 0xff) + "); save the file as UTF-8");
    }
    return out.flip().toString();
  }
}
