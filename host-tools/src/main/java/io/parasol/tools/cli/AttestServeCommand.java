package io.parasol.tools.cli;

import io.parasol.tools.attest.AttestService;
import io.parasol.tools.attest.NonceIssuer;
import io.parasol.tools.attest.Policy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parasol attest serve}: the verification service over HTTP. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve attestation verification over HTTP, JSON in and out:",
      "GET /v1/nonce, POST /v1/verify (evidence as JSON or Protobuf), GET /v1/health.",
      "Stateless: replicas that share --policy and --nonce-key are interchangeable",
      "behind any load balancer. SIGINT or SIGTERM stop it."
    },
    footer = {
      "",
      "Exit codes: 0 stopped by a signal; 1 could not start (the port in use);",
      "2 bad usage, or the policy or nonce key cannot be read."
    })
final class AttestServeCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      paramLabel = "N",
      required = true,
      description = "The TCP port (0: any free port).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--policy", paramLabel = "FILE", description = "The policy (JSON). Default: {}.")
  Path policyFile;

  @Option(
      names = "--nonce-key",
      paramLabel = "FILE",
      description =
          "The HMAC key for nonces (at least 16 bytes), shared by replicas. Default: a random key.")
  Path nonceKeyFile;

  @Option(
      names = "--nonce-lifetime",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "How long an issued nonce is accepted (default: ${DEFAULT-VALUE}).")
  long nonceLifetimeSeconds;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads (default: twice the CPUs).")
  Integer threads;

  @Option(
      names = "--allow-no-nonce",
      description =
          "Verify requests that carry no nonce (freshness then rests on the policy's maxAgeSeconds).")
  boolean allowNoNonce;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    Policy policy;
    byte[] key;
    try {
      policy =
          policyFile == null
              ? Policy.defaults()
              : Policy.parse(Files.readString(policyFile, StandardCharsets.UTF_8));
      if (nonceKeyFile != null) {
        key = Files.readAllBytes(nonceKeyFile);
        if (key.length < 16) {
          err.println("parasol: the nonce key " + nonceKeyFile + " is shorter than 16 bytes");
          return 2;
        }
      } else {
        key = new byte[32];
        new SecureRandom().nextBytes(key);
      }
    } catch (IOException e) {
      err.println("parasol: cannot read " + e.getMessage());
      return 2;
    } catch (Policy.PolicyException e) {
      err.println("parasol: " + policyFile + ": " + e.getMessage());
      return 2;
    }
    if (nonceLifetimeSeconds <= 0) {
      err.println("parasol: --nonce-lifetime must be positive");
      return 2;
    }
    int workers = threads != null ? threads : 2 * Runtime.getRuntime().availableProcessors();
    AttestService service;
    try {
      service =
          AttestService.start(
              new InetSocketAddress(bind, port),
              Math.max(1, workers),
              policy,
              new NonceIssuer(key, Duration.ofSeconds(nonceLifetimeSeconds)),
              !allowNoNonce,
              Clock.systemUTC());
    } catch (IOException e) {
      err.println("parasol: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                }));
    var out = spec.commandLine().getOut();
    out.println("parasol attest serve: listening on http://" + bind + ":" + service.port());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
