package dev.bulwark.js;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * The Web APIs every worker script sees (Request, Response, Headers, URL, TextEncoder, crypto, timers, ...), written
 * in JavaScript under {@code resources/dev/bulwark/js/prelude/} and listed, in order, in its {@code index.txt}.
 * Each file is a function expression {@code (function (host, internal, global) { ... })}: {@code host} holds the
 * Java services (UTF-8, timers, console, crypto, fetch), {@code internal} is shared between prelude files and
 * never reachable from user code. The sources are parsed once per engine and shared by all its contexts.
 */
public final class Prelude {
  private static final String DIR = "/dev/bulwark/js/prelude/";
  private static final List<Source> SOURCES = load();
  private static final Source REMOVE =
      Source.newBuilder("js", "delete globalThis.Java; delete globalThis.Graal;", "bulwark:sandbox.js").cached(true).buildLiteral();

  private Prelude() {
  }

  private static List<Source> load() {
    List<Source> sources = new ArrayList<>();
    for (String name : lines(DIR + "index.txt")) {
      try (InputStream in = Prelude.class.getResourceAsStream(DIR + name)) {
        if (in == null) {
          throw new IllegalStateException("prelude file missing from the jar: " + DIR + name);
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        sources.add(Source.newBuilder("js", text, "bulwark:" + name).cached(true).buildLiteral());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(sources);
  }

  private static List<String> lines(String resource) {
    try (InputStream in = Prelude.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      List<String> names = new ArrayList<>();
      for (String line : new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList()) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          names.add(l);
        }
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs every prelude file in {@code context}; returns the {@code internal} object they filled in. */
  static Value install(Context context, Object host) {
    Value internal = context.eval("js", "({})");
    Value globalThis = context.eval("js", "globalThis");
    for (Source s : SOURCES) {
      context.eval(s).execute(host, internal, globalThis);
    }
    // Host class lookup is off anyway; the Java object would only give scripts a name to probe. The Graal object
    // was needed only to register the prelude's unhandled-rejection handler.
    context.eval(REMOVE);
    return internal;
  }
}
