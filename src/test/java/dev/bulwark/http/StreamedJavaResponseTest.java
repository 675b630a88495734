package dev.bulwark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Streams;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code Response.stream} from a Java handler, through the event bus and the HTTP verticle: chunks written from
 * another thread arrive in order and as they are written, and a large body is paced by the sink's window.
 */
class StreamedJavaResponseTest {
  @Test
  void chunksWrittenFromAnotherThreadArriveInOrderAsTheyAreWrittenAndAWindowPacesALargeBody() throws Exception {
    try (TestRuntime rt = TestRuntime.start(TestRuntime.config(TestRuntime.service("streams", Streams.class)))) {
      HttpResponse<InputStream> res = rt.client.send(HttpRequest.newBuilder(rt.uri("/lines")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals("chunked", res.headers().firstValue("transfer-encoding").orElse(null));
      List<String> lines = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
        // The second line is only written once the first has arrived: a runtime that sent the body whole would
        // never send the first.
        lines.add(CompletableFuture.supplyAsync(() -> readLine(in)).get(10, TimeUnit.SECONDS));
        Streams.GO.countDown();
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      }
      assertEquals(List.of("line 1", "line 2", "line 3"), lines);

      int waits = Streams.WAITS.get();
      HttpResponse<byte[]> big = rt.client.send(HttpRequest.newBuilder(rt.uri("/window")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(4 * 1024 * 1024, big.body().length);
      for (int i = 0; i < big.body().length; i += 16 * 1024) {
        assertEquals((byte) ('a' + (i / (16 * 1024)) % 26), big.body()[i], "chunk at " + i + " in order");
      }
      assertTrue(Streams.WAITS.get() - waits > 0, "the sink said to wait at least once in 4 MiB");
      assertEquals(Streams.WAITS.get(), Streams.RESUMES.get(), "every wait was followed by a resume");
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
