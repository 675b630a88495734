package dev.bulwark.js;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * HTTP content codings (RFC 9110, 8.4) for JavaScript workers: {@code fetch()} asks for and decodes {@code gzip},
 * {@code deflate} and {@code br} response bodies (the JDK's zlib, Google's pure-Java Brotli decoder); a worker's
 * own response whose {@code content-encoding} says {@code gzip} or {@code deflate} has its body encoded on the way
 * out, as workerd does.
 */
public final class ContentCoding {
  /** What fetch() sends as Accept-Encoding when the script sets none. */
  static final String ACCEPTED = "gzip, deflate, br";

  /** A decoded body larger than allowed. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  private ContentCoding() {
  }

  /** Whether a Content-Encoding value names no coding at all: absent (null), blank, or identity. */
  public static boolean none(String header) {
    List<String> codings = header == null ? List.of() : parse(header);
    return codings != null && codings.isEmpty();
  }

  /**
   * The codings of a Content-Encoding value in the order they were applied, lower-case, {@code x-gzip} as
   * {@code gzip} and {@code identity} left out; null when one of them is none that can be decoded here.
   */
  static List<String> parse(String header) {
    List<String> codings = new ArrayList<>();
    for (String part : header.split(",")) {
      String c = part.strip().toLowerCase(Locale.ROOT);
      switch (c) {
        case "", "identity" -> { }
        case "gzip", "x-gzip" -> codings.add("gzip");
        case "deflate", "br" -> codings.add(c);
        default -> {
          return null;
        }
      }
    }
    return codings;
  }

  /**
   * A response body of a worker, as it goes to its client: with {@code content-encoding} {@code gzip} or
   * {@code deflate} (and the client accepting it) the body is taken to be unencoded and is encoded, as workerd
   * does; with another coding this process decodes ({@code br}, several codings), or one the client does not take,
   * the header is dropped and the body goes out as it is. An unknown coding, or an empty body, is left alone.
   * Where the client's Accept-Encoding decided (gzip, deflate), {@code Vary: Accept-Encoding} is added unless a
   * Vary field covers it already. Returns the header fields and body to send.
   */
  static Map.Entry<List<Map.Entry<String, String>>, byte[]> forClient(List<Map.Entry<String, String>> fields,
                                                                      byte[] body, String acceptEncoding) {
    Decision d = decide(fields, body.length > 0, acceptEncoding);
    return Map.entry(d.fields(), d.encodeAs() == null ? body : encode(body, d.encodeAs()));
  }

  /** What {@link #forClient} does to a body: the header fields to send, and the coding to encode it in (or null). */
  record Decision(List<Map.Entry<String, String>> fields, String encodeAs) {
  }

  /**
   * {@link #forClient}'s choice, for a body not known yet ({@code hasBody} true: a stream, whose chunks are then
   * encoded one by one with a {@link StreamEncoder}).
   */
  static Decision decide(List<Map.Entry<String, String>> fields, boolean hasBody, String acceptEncoding) {
    String coding = null;
    for (Map.Entry<String, String> f : fields) {
      if (f.getKey().equalsIgnoreCase("content-encoding")) {
        coding = coding == null ? f.getValue() : coding + ", " + f.getValue();
      }
    }
    List<String> codings = coding == null || !hasBody ? null : parse(coding);
    if (codings == null) {
      return new Decision(fields, null);
    }
    boolean negotiated = codings.size() == 1 && canEncode(codings.get(0));
    boolean encode = negotiated && accepts(acceptEncoding, codings.get(0));
    List<Map.Entry<String, String>> out = new ArrayList<>(fields.size() + 1);
    boolean varies = false;
    for (Map.Entry<String, String> f : fields) {
      if (encode || !f.getKey().equalsIgnoreCase("content-encoding")) {
        out.add(f);
      }
      varies |= f.getKey().equalsIgnoreCase("vary") && namesAcceptEncoding(f.getValue());
    }
    if (negotiated && !varies) {
      // Another client's Accept-Encoding gets another body: a cache must keep them apart (RFC 9110, 12.5.5).
      out.add(Map.entry("vary", "Accept-Encoding"));
    }
    return new Decision(out, encode ? codings.get(0) : null);
  }

  /**
   * Encodes a streamed body chunk by chunk, each one flushed (a sync flush), so that what the client has received
   * decodes to every chunk sent so far: an event stream stays live when gzipped.
   */
  static final class StreamEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final DeflaterOutputStream z;

    StreamEncoder(String coding) {
      try {
        z = coding.equals("gzip") ? new GZIPOutputStream(out, true) : new DeflaterOutputStream(out, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The encoded form of {@code chunk}, flushed. */
    byte[] encode(byte[] chunk) {
      try {
        z.write(chunk);
        z.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return drain();
    }

    /** The end of the encoded body (the gzip trailer); the encoder is closed. */
    byte[] finish() {
      try {
        z.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return drain();
    }

    /** Frees the encoder's native memory without finishing (the stream was cut). */
    void discard() {
      try {
        z.close();
      } catch (IOException | RuntimeException e) {
        // closing a deflater over a memory stream: nothing to report
      }
    }

    private byte[] drain() {
      byte[] bytes = out.toByteArray();
      out.reset();
      return bytes;
    }
  }

  /** Whether a Vary value already covers Accept-Encoding: it names it, or is "*". */
  private static boolean namesAcceptEncoding(String vary) {
    for (String name : vary.split(",")) {
      String n = name.strip();
      if (n.equals("*") || n.equalsIgnoreCase("accept-encoding")) {
        return true;
      }
    }
    return false;
  }

  /** A received body as the script reads it: decoded, or empty with why it could not be ({@code corrupt}). */
  record ForScript(byte[] body, String corrupt) {
  }

  /**
   * A subrequest's response body as its script reads it (fetch() and service bindings alike): decoded as
   * {@code coding} (its Content-Encoding, or null) says; a body that cannot be decoded becomes empty, with a message
   * naming {@code who} for the TypeError its reading gives. Fails with {@link TooLarge} past {@code max} bytes.
   */
  static ForScript forScript(byte[] body, String coding, long max, String who) throws TooLarge {
    List<String> codings = coding == null ? null : parse(coding);
    if (codings == null || codings.isEmpty() || body.length == 0) {
      return new ForScript(body, null);
    }
    try {
      return new ForScript(decode(body, codings, max), null);
    } catch (IOException e) {
      return new ForScript(new byte[0], who + ": the response body cannot be decoded (content-encoding: " + coding
          + "): " + e.getMessage());
    }
  }

  /** Undoes {@code codings} (last applied first); fails with {@link TooLarge} past {@code max} bytes. */
  static byte[] decode(byte[] body, List<String> codings, long max) throws IOException, TooLarge {
    byte[] b = body;
    for (int i = codings.size() - 1; i >= 0; i--) {
      b = decodeOne(b, codings.get(i), max);
    }
    return b;
  }

  private static byte[] decodeOne(byte[] body, String coding, long max) throws IOException, TooLarge {
    ByteArrayInputStream raw = new ByteArrayInputStream(body);
    try (InputStream in = switch (coding) {
      case "gzip" -> new GZIPInputStream(raw);
      // RFC 9110 "deflate" is the zlib format; some servers send bare deflate data, which browsers accept too.
      case "deflate" -> new InflaterInputStream(raw, new Inflater(!isZlib(body)));
      case "br" -> new BrotliInputStream(raw);
      default -> throw new IllegalArgumentException(coding);
    }) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length * 4));
      byte[] chunk = new byte[16384];
      for (int n; (n = in.read(chunk)) > 0; ) {
        if (out.size() + (long) n > max) {
          throw new TooLarge();
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (java.io.EOFException e) {
      throw new IOException("the compressed data ends early", e);
    } catch (RuntimeException e) {
      // The Brotli decoder reports corrupt input as BrotliRuntimeException.
      throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  private static boolean isZlib(byte[] b) {
    return b.length >= 2 && (b[0] & 0x0f) == 8 && (((b[0] & 0xff) << 8) | (b[1] & 0xff)) % 31 == 0;
  }

  /** Whether this process can apply {@code coding} to a response body. */
  static boolean canEncode(String coding) {
    return coding.equals("gzip") || coding.equals("deflate");
  }

  /** {@code body} in {@code coding} ({@link #canEncode}). */
  static byte[] encode(byte[] body, String coding) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 2));
    try (DeflaterOutputStream z = coding.equals("gzip") ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Whether an Accept-Encoding value takes {@code coding}: named, or {@code *}, with a q-value above 0. A request
   * without the header gets no coding: RFC 9110 (12.5.3) allows any then, but identity is always acceptable, and
   * a client that sends none (curl without --compressed) expects none.
   */
  static boolean accepts(String acceptEncoding, String coding) {
    if (acceptEncoding == null) {
      return false;
    }
    Double named = null;
    Double any = null;
    for (String part : acceptEncoding.split(",")) {
      String[] pieces = part.split(";");
      String name = pieces[0].strip().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].strip().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2).strip());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (name.equals(coding) || (coding.equals("gzip") && name.equals("x-gzip"))) {
        named = q;
      } else if (name.equals("*")) {
        any = q;
      }
    }
    return named != null ? named > 0 : any != null && any > 0;
  }
}
