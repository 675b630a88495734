package dev.bulwark.js;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The codec work of CompressionStream and DecompressionStream (45-streams.js): gzip (RFC 1952), deflate (the zlib
 * format, RFC 1950) and deflate-raw (RFC 1951), one {@link Coder} per stream, on the JDK's Deflater and Inflater. As
 * the Compression Streams standard has it, compressed data that is not valid, that stops before its end, or that goes
 * on after its end (one gzip member, one zlib stream) is an error.
 */
public final class CompressionHost {
  /** What one chunk may decompress to: a small chunk that expands past this is refused, not held in memory. */
  static final int MAX_CHUNK_OUTPUT = 64 << 20;
  private static final int GZIP_MAGIC = 0x8b1f;

  /** A coder for {@code format} ("gzip", "deflate" or "deflate-raw"; the script checked it) in one direction. */
  @HostAccess.Export
  public Coder open(String format, boolean compress) {
    boolean gzip = format.equals("gzip");
    boolean raw = gzip || format.equals("deflate-raw"); // gzip's own header and trailer are written here
    if (!gzip && !raw && !format.equals("deflate")) {
      throw new IllegalArgumentException("unsupported format " + format);
    }
    return new Coder(gzip, compress ? new Deflater(Deflater.DEFAULT_COMPRESSION, raw) : null,
        compress ? null : new Inflater(raw));
  }

  /**
   * One stream's codec: bytes in, bytes out, then the end. Each call returns the bytes that came out (a ByteBuffer,
   * or null for none) or, when the data cannot be coded, a String saying why (the script throws it as a TypeError).
   * After a failure, or {@link #finish}, the coder is closed.
   */
  public static final class Coder {
    private final boolean gzip;
    private final Deflater deflater;
    private final Inflater inflater;
    private final CRC32 crc = new CRC32();
    private final byte[] chunk = new byte[16 * 1024];
    // gzip decoding: the header (and later the trailer) bytes gathered so far, until they are whole.
    private final ByteArrayOutputStream gathered = new ByteArrayOutputStream();
    private boolean headerDone; // gzip: the header was read (decoding) or written (encoding)
    private boolean ended;
    private boolean closed;

    private Coder(boolean gzip, Deflater deflater, Inflater inflater) {
      this.gzip = gzip;
      this.deflater = deflater;
      this.inflater = inflater;
    }

    /** Codes {@code length} bytes of {@code arrayBuffer} from {@code offset}. */
    @HostAccess.Export
    public Object push(Value arrayBuffer, int offset, int length) {
      if (closed) {
        return "the stream is closed";
      }
      byte[] in = Bytes.read(arrayBuffer, offset, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        if (deflater != null) {
          writeGzipHeader(out);
          crc.update(in);
          deflater.setInput(in);
          while (!deflater.needsInput()) {
            out.write(chunk, 0, deflater.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH));
          }
        } else {
          inflate(in, out);
        }
      } catch (DataFormatException e) {
        close();
        return "the compressed data is not valid" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
      } catch (IllegalStateException e) {
        close();
        return "the compressed data " + e.getMessage();
      }
      return bytes(out);
    }

    /** Ends the stream: the rest of the output (a gzip trailer); for decoding, checks the data was whole. */
    @HostAccess.Export
    public Object finish() {
      if (closed) {
        return "the stream is closed";
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        if (deflater != null) {
          writeGzipHeader(out);
          deflater.finish();
          while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
          }
          if (gzip) {
            writeInt(out, (int) crc.getValue());
            writeInt(out, (int) deflater.getBytesRead());
          }
        } else if (!ended) {
          return "the compressed data ends before the end of its stream (truncated)";
        }
        return bytes(out);
      } finally {
        close();
      }
    }

    /** Frees the codec's native memory; for a stream that was cancelled or failed, and after {@link #finish}. */
    @HostAccess.Export
    public void close() {
      closed = true;
      if (deflater != null) {
        deflater.end();
      } else {
        inflater.end();
      }
    }

    private void inflate(byte[] in, ByteArrayOutputStream out) throws DataFormatException {
      int at = 0;
      if (ended && in.length > 0) {
        throw new IllegalStateException("goes on after its end");
      }
      if (gzip && !headerDone) {
        gathered.write(in, 0, in.length);
        byte[] h = gathered.toByteArray();
        int size = gzipHeaderSize(h);
        if (size < 0) {
          return; // not whole yet
        }
        headerDone = true;
        gathered.reset();
        in = h;
        at = size;
      }
      if (!inflater.finished()) {
        inflater.setInput(in, at, in.length - at);
        while (!inflater.finished() && !inflater.needsInput()) {
          int n = inflater.inflate(chunk);
          if (n == 0 && inflater.needsDictionary()) {
            throw new DataFormatException("a preset dictionary is needed");
          }
          crc.update(chunk, 0, n);
          out.write(chunk, 0, n);
          if (out.size() > MAX_CHUNK_OUTPUT) {
            throw new IllegalStateException("decompresses to more than " + (MAX_CHUNK_OUTPUT >> 20)
                + " MiB from one chunk");
          }
        }
        if (!inflater.finished()) {
          return;
        }
        at = in.length - inflater.getRemaining();
      }
      if (!gzip) {
        if (at < in.length) {
          throw new IllegalStateException("goes on after its end");
        }
        ended = true;
        return;
      }
      gathered.write(in, at, in.length - at); // the 8-byte trailer, perhaps in pieces
      if (gathered.size() < 8) {
        return;
      }
      byte[] t = gathered.toByteArray();
      if (t.length > 8) {
        throw new IllegalStateException("goes on after its end");
      }
      if (readInt(t, 0) != (int) crc.getValue()) {
        throw new DataFormatException("CRC32 mismatch");
      }
      if (readInt(t, 4) != (int) inflater.getBytesWritten()) {
        throw new DataFormatException("length mismatch");
      }
      ended = true;
    }

    /** The length of the gzip header at the start of {@code h}, or -1 if it is not all there yet. */
    private static int gzipHeaderSize(byte[] h) throws DataFormatException {
      if (h.length < 10) {
        return -1;
      }
      if ((h[0] & 0xff | (h[1] & 0xff) << 8) != GZIP_MAGIC) {
        throw new DataFormatException("not in the gzip format");
      }
      if (h[2] != 8) {
        throw new DataFormatException("unsupported gzip compression method " + (h[2] & 0xff));
      }
      int flags = h[3] & 0xff;
      int at = 10;
      if ((flags & 4) != 0) { // FEXTRA
        if (h.length < at + 2) {
          return -1;
        }
        at += 2 + (h[at] & 0xff | (h[at + 1] & 0xff) << 8);
      }
      for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
        if ((flags & flag) != 0) {
          while (at < h.length && h[at] != 0) {
            at++;
          }
          if (at >= h.length) {
            return -1;
          }
          at++;
        }
      }
      if ((flags & 2) != 0) { // FHCRC
        at += 2;
      }
      return at <= h.length ? at : -1;
    }

    /** Once, before the first compressed byte: a gzip header without name or time, OS unknown. */
    private void writeGzipHeader(ByteArrayOutputStream out) {
      if (gzip && !headerDone) {
        headerDone = true;
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
      }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
      out.write(v);
      out.write(v >>> 8);
      out.write(v >>> 16);
      out.write(v >>> 24);
    }

    private static int readInt(byte[] b, int at) {
      return b[at] & 0xff | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static ByteBuffer bytes(ByteArrayOutputStream out) {
      return out.size() == 0 ? null : ByteBuffer.wrap(out.toByteArray());
    }
  }
}
