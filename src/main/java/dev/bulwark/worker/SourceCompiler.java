package dev.bulwark.worker;

import dev.bulwark.api.Handler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one Java source file in memory with {@code javax.tools}, the way {@code java Hello.java} does, and loads
 * its classes in a class loader of their own. The runtime's class path (and so the handler API) is visible to it.
 */
final class SourceCompiler {
  private SourceCompiler() {
  }

  /** The compiled classes of {@code file}, by binary name, loaded. Compile errors are reported as file:line. */
  static List<Class<?>> compile(Path file) throws HandlerLoadException {
    String source = SourceFiles.read(file);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new HandlerLoadException(file + ": this Java runtime has no compiler (javax.tools); run Bulwark on a JDK,"
          + " not a JRE, or compile the handler into a jar and name it with 'class:'");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    MemoryFileManager memory = new MemoryFileManager(standard);
    JavaFileObject unit = new SourceObject(file, source);
    List<String> options = List.of("-classpath", classPath(), "-proc:none", "-Xlint:none", "-g",
        "--release", String.valueOf(Math.max(17, Runtime.version().feature())));
    boolean ok = compiler.getTask(null, memory, diagnostics, options, null, List.of(unit)).call();
    List<String> problems = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        problems.add(file + ":" + d.getLineNumber() + ": error: " + d.getMessage(Locale.ROOT));
      }
    }
    if (!ok || !problems.isEmpty()) {
      throw new HandlerLoadException(problems.isEmpty() ? List.of(file + ": compilation failed") : problems);
    }
    MemoryClassLoader loader = new MemoryClassLoader(memory.classes, SourceCompiler.class.getClassLoader());
    List<Class<?>> classes = new ArrayList<>();
    for (String name : memory.classes.keySet()) {
      try {
        classes.add(loader.loadClass(name));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new HandlerLoadException(file + ": compiled class " + name + " cannot be loaded: " + e);
      }
    }
    return classes;
  }

  /** The class path the runtime itself runs with, plus wherever the handler API was loaded from. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    try {
      var location = Handler.class.getProtectionDomain().getCodeSource();
      if (location != null) {
        entries.add(Path.of(location.getLocation().toURI()).toString());
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // fall back to java.class.path alone
    }
    entries.add(System.getProperty("java.class.path", ""));
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static final class SourceObject extends SimpleJavaFileObject {
    private final String source;

    SourceObject(Path file, String source) {
      super(file.toUri(), Kind.SOURCE);
      this.source = source;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return source;
    }

    @Override
    public String getName() {
      return uri.getPath();
    }
  }

  private static final class ClassObject extends SimpleJavaFileObject {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ClassObject(String name) {
      super(URI.create("mem:///" + name.replace('.', '/') + ".class"), Kind.CLASS);
    }

    @Override
    public OutputStream openOutputStream() {
      return bytes;
    }
  }

  private static final class MemoryFileManager extends ForwardingJavaFileManager<JavaFileManager> {
    private final Map<String, ClassObject> outputs = new HashMap<>();
    private final Map<String, byte[]> classes = new ClassBytes(outputs);

    MemoryFileManager(JavaFileManager delegate) {
      super(delegate);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                               FileObject sibling) {
      ClassObject out = new ClassObject(className);
      outputs.put(className, out);
      return out;
    }
  }

  /** A live view of the compiler's outputs as bytes. */
  private static final class ClassBytes extends java.util.AbstractMap<String, byte[]> {
    private final Map<String, ClassObject> outputs;

    ClassBytes(Map<String, ClassObject> outputs) {
      this.outputs = outputs;
    }

    @Override
    public java.util.Set<Entry<String, byte[]>> entrySet() {
      java.util.Set<Entry<String, byte[]>> set = new java.util.LinkedHashSet<>();
      outputs.forEach((k, v) -> set.add(Map.entry(k, v.bytes.toByteArray())));
      return set;
    }
  }

  private static final class MemoryClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    MemoryClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
      super("bulwark-source", parent);
      this.classes = Map.copyOf(classes);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
