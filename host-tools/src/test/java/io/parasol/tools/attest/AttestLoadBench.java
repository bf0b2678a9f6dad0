package io.parasol.tools.attest;

import com.google.gson.JsonParser;
import io.parasol.isolation.attestation.proto.Evidence;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load test of {@code parasol attest serve} on loopback (bench/attest/run.sh runs it; not a unit
 * test). Many concurrent clients each loop: take a workload item, and POST it as Protobuf; half the
 * items are valid and half invalid, and every verdict is compared with the item's label.
 *
 * <p>Workload: real-hardware vectors whose certificates are valid now (valid) and the same with the
 * report signature's first byte changed (invalid); and plain-KVM Parasol evidence whose vTPM quote
 * carries a nonce the service just issued (valid), or the nonce of another request (invalid). The
 * server must run with the policy bench/attest/policy.json and --allow-no-nonce.
 *
 * <p>Prints verifications per second for the service and for the library in this process on one
 * thread, and their ratio.
 *
 * <pre>AttestLoadBench URL CLIENTS TOTAL</pre>
 */
public final class AttestLoadBench {
  record Item(String name, Evidence evidence, boolean valid, boolean freshNonce) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: AttestLoadBench URL CLIENTS TOTAL");
      System.exit(2);
    }
    String base = args[0];
    int clients = Integer.parseInt(args[1]);
    int total = Integer.parseInt(args[2]);
    Policy policy =
        Policy.parse(
            "{\"platforms\":[\"snp\",\"tdx\",\"azure-snp\",\"azure-tdx\",\"none\"],"
                + "\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,\"allowDebug\":true}");
    Instant now = Instant.now();
    List<Item> items = new ArrayList<>();
    List<Vectors.Case> hardware = new ArrayList<>();
    hardware.addAll(Vectors.snpCases());
    hardware.addAll(Vectors.tdxCases());
    for (Vectors.Case c : hardware) {
      // Only vectors whose certificates cover today: the service verifies as of now.
      if (EvidenceVerifier.verify(c.evidence(), policy, null, now).valid()) {
        items.add(new Item(c.name(), c.evidence(), true, false));
        items.add(new Item(c.name() + " (tampered)", tamper(c.evidence()), false, false));
      }
    }
    SyntheticEvidence vm = new SyntheticEvidence();
    items.add(new Item("plain KVM, fresh nonce", null, true, true));
    items.add(new Item("plain KVM, another request's nonce", null, false, true));
    System.out.printf(
        "workload: %d items (%d real-hardware vectors valid today)%n",
        items.size(), (items.size() - 2) / 2);

    // The library alone, one thread, the same hardware items: the baseline of the ratio.
    long t0 = System.nanoTime();
    int local = 0;
    while (System.nanoTime() - t0 < 3_000_000_000L) {
      for (Item it : items) {
        if (it.evidence() != null) {
          EvidenceVerifier.verify(it.evidence(), policy, null, now);
          local++;
        }
      }
    }
    double localRate = local / ((System.nanoTime() - t0) / 1e9);

    HttpClient http =
        HttpClient.newBuilder().executor(Executors.newFixedThreadPool(clients)).build();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      futures.add(
          pool.submit(
              () -> {
                Random r = new Random(client);
                int i;
                while ((i = next.getAndIncrement()) < total) {
                  Item it = items.get(r.nextInt(items.size()));
                  try {
                    String query = "";
                    Evidence e = it.evidence();
                    if (it.freshNonce()) {
                      String nonce = nonce(http, base);
                      String quoted = it.valid() ? nonce : nonce(http, base);
                      e =
                          vm.evidence(
                              HexFormat.of().parseHex(quoted), Instant.now().getEpochSecond());
                      query = "?nonce=" + nonce;
                    }
                    HttpResponse<String> resp =
                        http.send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/verify" + query))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(e.toByteArray()))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() != 200) {
                      errors.incrementAndGet();
                      continue;
                    }
                    boolean valid =
                        JsonParser.parseString(resp.body())
                            .getAsJsonObject()
                            .get("valid")
                            .getAsBoolean();
                    if (valid != it.valid()) {
                      wrong.incrementAndGet();
                      System.err.println("wrong verdict for " + it.name() + ": " + resp.body());
                    }
                    done.incrementAndGet();
                  } catch (Exception ex) {
                    errors.incrementAndGet();
                    System.err.println("request failed: " + ex);
                  }
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    double rate = done.get() / seconds;
    System.out.printf(
        "%d clients, %d verifications in %.2f s: %.0f verifications/s over HTTP; %d wrong verdicts, %d errors%n",
        clients, done.get(), seconds, rate, wrong.get(), errors.get());
    System.out.printf(
        "library in-process, 1 thread: %.0f verifications/s; service/library ratio %.2f%n",
        localRate, rate / localRate);
    System.exit(wrong.get() == 0 && errors.get() == 0 && done.get() == total ? 0 : 1);
  }

  private static String nonce(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/nonce")).build(),
            HttpResponse.BodyHandlers.ofString());
    return JsonParser.parseString(r.body()).getAsJsonObject().get("nonce").getAsString();
  }

  /** The evidence with its hardware signature's first byte changed. */
  private static Evidence tamper(Evidence e) {
    if (e.hasSnp()) {
      byte[] report = e.getSnp().getReport().toByteArray();
      report[0x2A0] ^= 1;
      return e.toBuilder()
          .setSnp(e.getSnp().toBuilder().setReport(com.google.protobuf.ByteString.copyFrom(report)))
          .build();
    }
    byte[] quote = e.getTdx().getQuote().toByteArray();
    int signed = quote[0] == 4 ? 0x278 : 0x2BE;
    quote[signed + 4] ^= 1;
    return e.toBuilder()
        .setTdx(e.getTdx().toBuilder().setQuote(com.google.protobuf.ByteString.copyFrom(quote)))
        .build();
  }
}
