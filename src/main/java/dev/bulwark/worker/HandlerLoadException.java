package dev.bulwark.worker;

import dev.bulwark.config.HandlerSource;
import dev.bulwark.config.RuntimeConfig;
import dev.bulwark.config.ServiceConfig;
import java.util.List;

/** A handler that cannot be loaded: compile errors (each as {@code file:line: message}), a missing class, etc. */
public final class HandlerLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public HandlerLoadException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public HandlerLoadException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }

  /**
   * These problems of service {@code index} of {@code config}, each saying where the configuration names the handler
   * ({@code conf/runtime.yaml: services[1].source (service 'api'): ...}), as a configuration error says where it
   * is. Not when the configuration is just that handler's file given on the command line: the file is named already.
   */
  public List<String> in(RuntimeConfig config, int index) {
    ServiceConfig s = config.services().get(index);
    String file = s.handler() instanceof HandlerSource.SourceFile f ? f.path().toString()
        : s.handler() instanceof HandlerSource.Script j ? j.path().toString() : null;
    if (config.origin().equals(file)) {
      return problems;
    }
    String key = s.handler() instanceof HandlerSource.ClassName ? "class" : "source";
    String where = config.origin() + ": services[" + index + "]." + key + " (service '" + s.name() + "'): ";
    return problems.stream().map(p -> where + p).toList();
  }
}
