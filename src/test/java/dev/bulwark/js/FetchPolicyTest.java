package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.js.FetchPolicy.Verdict;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class FetchPolicyTest {
  @Test
  void noListMeansPublicAddressesOnly() {
    assertEquals(Verdict.PUBLIC_ONLY, new FetchPolicy(null).check("example.com", 443));
    assertEquals(Verdict.PUBLIC_ONLY, new FetchPolicy(null).check("127.0.0.1", 80));
  }

  @Test
  void entriesMatchHostsWildcardsAndPorts() {
    FetchPolicy p = new FetchPolicy(List.of("api.example.com", "*.example.org", "127.0.0.1:8080", "[::1]:9000"));
    assertEquals(Verdict.ANY, p.check("API.Example.com", 443));
    assertEquals(Verdict.ANY, p.check("api.example.com.", 80));
    assertEquals(Verdict.REFUSED, p.check("other.example.com", 443));
    assertEquals(Verdict.PUBLIC_ONLY, p.check("a.b.example.org", 443));
    assertEquals(Verdict.REFUSED, p.check("example.org", 443));
    assertEquals(Verdict.ANY, p.check("127.0.0.1", 8080));
    assertEquals(Verdict.REFUSED, p.check("127.0.0.1", 8081));
    assertEquals(Verdict.ANY, p.check("[0:0:0:0:0:0:0:1]", 9000));
    assertEquals(Verdict.REFUSED, p.check("[::1]", 9001));
    assertEquals(Verdict.PUBLIC_ONLY, new FetchPolicy(List.of("*")).check("anything.test", 1));
    assertEquals(Verdict.REFUSED, new FetchPolicy(List.of()).check("example.com", 443));
  }

  @Test
  void nonPublicAddresses() throws Exception {
    for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "fc00::1", "::ffff:10.0.0.1", "ff02::1")) {
      assertTrue(FetchPolicy.isNonPublic(InetAddress.getByName(a)), a);
    }
    for (String a : List.of("93.184.216.34", "1.1.1.1", "2606:4700::1111", "100.128.0.1", "172.32.0.1")) {
      assertFalse(FetchPolicy.isNonPublic(InetAddress.getByName(a)), a);
    }
  }
}
