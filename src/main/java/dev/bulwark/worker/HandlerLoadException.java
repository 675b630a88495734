package dev.bulwark.worker;

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
}
