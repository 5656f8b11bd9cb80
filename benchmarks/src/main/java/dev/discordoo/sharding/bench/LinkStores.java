package dev.discordoo.sharding.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A key store and a trust store for TLS node links, made for one benchmark run with the
 * JDK's keytool as the README shows: one EC key pair for every node, its certificate naming
 * 127.0.0.1, trusted by itself.
 */
final class LinkStores {

	private static final String PASSWORD = "bench-stores";

	private final Path directory;

	private LinkStores(Path directory) {
		this.directory = directory;
	}

	static LinkStores make() throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("bench-link-stores");
		String keyStore = directory.resolve("node.p12").toString();
		String certificate = directory.resolve("node.crt").toString();
		keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=bench-nodes",
				"-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				keyStore, "-storepass", PASSWORD);
		keytool("-exportcert", "-alias", "node", "-keystore", keyStore, "-storepass", PASSWORD, "-file", certificate);
		keytool("-importcert", "-noprompt", "-alias", "node", "-file", certificate, "-storetype", "PKCS12",
				"-keystore", directory.resolve("trust.p12").toString(), "-storepass", PASSWORD);
		return new LinkStores(directory);
	}

	/** The spring.ssl.bundle.jks properties of a bundle of these stores. */
	Map<String, String> bundleProperties(String bundle) {
		String prefix = "spring.ssl.bundle.jks." + bundle + ".";
		return Map.of(prefix + "keystore.location", "file:" + this.directory.resolve("node.p12"),
				prefix + "keystore.password", PASSWORD, prefix + "keystore.type", "PKCS12",
				prefix + "truststore.location", "file:" + this.directory.resolve("trust.p12"),
				prefix + "truststore.password", PASSWORD, prefix + "truststore.type", "PKCS12");
	}

	void delete() throws IOException {
		try (var files = Files.list(this.directory)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
		}
		Files.deleteIfExists(this.directory);
	}

	private static void keytool(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException("keytool failed: " + command);
		}
	}

}
