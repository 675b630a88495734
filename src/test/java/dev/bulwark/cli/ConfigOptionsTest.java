package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A HANDLER_FILE that cannot be a handler gets one problem, saying what was likely meant. */
class ConfigOptionsTest {
  @Test
  void aNonHandlerArgumentIsOneProblemWithAHint() {
    String neither = " is neither a Java source file (.java) nor a JavaScript worker (.js, .mjs)";
    assertEquals("'chek'" + neither + "; did you mean the subcommand 'check'?", ConfigOptions.notAHandler("chek"));
    assertEquals("'conf/runtime.yaml'" + neither + "; a configuration file goes after --config: --config"
        + " conf/runtime.yaml", ConfigOptions.notAHandler("conf/runtime.yaml"));
    assertEquals("'notes.txt'" + neither, ConfigOptions.notAHandler("notes.txt"));
    for (String ok : new String[] {"verticles/Hello.java", "w.js", "w.mjs", "W.JS", "c.cjs"}) {
      assertNull(ConfigOptions.notAHandler(ok), ok);
    }
  }
}
