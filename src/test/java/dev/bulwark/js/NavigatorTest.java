package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** navigator, as workerd has it, except that the user agent names Bulwark rather than Cloudflare. */
class NavigatorTest {
  @Test
  void userAgentAndHardwareConcurrency() throws Exception {
    assertEquals("[\"Bulwark\",1,\"[object Navigator]\",true]", JsHarness.eval("""
        return [navigator.userAgent, navigator.hardwareConcurrency, String(navigator), navigator instanceof Navigator];
        """).toString());
  }
}
