package dev.bulwark.config;

import java.util.List;

/**
 * A configuration that cannot be served. Each problem names where it comes from (file or variable), the key and
 * what is wrong, e.g. {@code conf/runtime.yaml: services[0].instances: must be 1-1024, got 0}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
