package dev.bulwark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
  @Test
  void localhostMeansBothLoopbacks() {
    ListenAddress a = ListenAddress.parse("localhost:8080");
    assertEquals(List.of("127.0.0.1", "::1"), a.hosts());
    assertEquals(8080, a.port());
    assertTrue(a.isLocalhost());
  }

  @Test
  void wildcardIsDualStack() {
    ListenAddress a = ListenAddress.parse("*:80");
    assertEquals(List.of("::"), a.hosts());
    assertTrue(a.isWildcard());
  }

  @Test
  void literalsAsWritten() {
    assertEquals(List.of("127.0.0.1"), ListenAddress.parse("127.0.0.1:0").hosts());
    assertEquals(List.of("::1"), ListenAddress.parse("[::1]:9").hosts());
    assertEquals(List.of("::"), ListenAddress.parse("[::]:9").hosts());
    assertEquals(List.of("0.0.0.0"), ListenAddress.parse("0.0.0.0:9").hosts());
    assertEquals("http://[::1]:9", ListenAddress.url("::1", 9));
  }

  @Test
  void clearErrors() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1:80")).getMessage()
        .contains("must be in brackets"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("localhost:99999"))
        .getMessage().contains("outside 0-65535"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("localhost:http"))
        .getMessage().contains("is not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(":80"))
        .getMessage().contains("has no host"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(""))
        .getMessage().contains("empty"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("127.0.0.1:+8080"))
        .getMessage().contains("is not a number"), "before: taken as 8080");
  }

  @Test
  void anAddressWrittenTwoWaysIsOneAddress() {
    // Before, each pair passed check and then failed to bind at run time (exit 1, address in use).
    for (String[] pair : new String[][] {{"[::1]:8080", "[0:0:0:0:0:0:0:1]:8080"}, {"127.0.0.1:8080",
        "[::ffff:127.0.0.1]:8080"}, {"localhost:8080", "[0:0:0:0:0:0:0:1]:8080"}, {"[0:0:0:0:0:0:0:0]:8080",
        "127.0.0.1:8080"}}) {
      assertTrue(ListenAddress.parse(pair[0]).overlaps(ListenAddress.parse(pair[1])), pair[0] + " / " + pair[1]);
      assertTrue(ListenAddress.parse(pair[1]).overlaps(ListenAddress.parse(pair[0])), pair[1] + " / " + pair[0]);
    }
    assertFalse(ListenAddress.parse("127.0.0.1:8080").overlaps(ListenAddress.parse("127.0.0.2:8080")));
    assertFalse(ListenAddress.parse("[::1]:8080").overlaps(ListenAddress.parse("127.0.0.1:8080")));
    assertFalse(ListenAddress.parse("[::1]:8080").overlaps(ListenAddress.parse("[::1]:8081")));
  }
}
