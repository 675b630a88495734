package dev.bulwark.config;

import java.nio.file.Path;

/** What runs a service: a handler class on the class path, or a single source file compiled at start-up. */
public sealed interface HandlerSource {

  /** A class implementing {@code dev.bulwark.api.Handler} or {@code AsyncHandler}, found on the class path. */
  record ClassName(String name) implements HandlerSource {
    @Override
    public String describe() {
      return "class " + name;
    }
  }

  /** A Java source file, compiled in memory like {@code java Hello.java}. */
  record SourceFile(Path path) implements HandlerSource {
    @Override
    public String describe() {
      return path.toString();
    }
  }

  /**
   * A JavaScript worker in workerd's formats: an ES module ({@code .mjs}, or {@code .js} with import/export) with
   * {@code export default { fetch }}, or a service-worker script calling {@code addEventListener("fetch", ...)}.
   */
  record Script(Path path) implements HandlerSource {
    @Override
    public String describe() {
      return path.toString();
    }
  }

  String describe();
}
