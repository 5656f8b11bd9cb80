package dev.discordoo.sharding.cds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The application of the class data sharing tests, packed into a jar by them. Run as a
 * training run ({@code -Dspring.context.exit=onRefresh}) it counts itself in the file named
 * by {@code CDS_PROBE_RUNS} and exits, as a Spring application exits after its refresh;
 * run as an instance it prints the ready line a manager waits for and waits until its stdin
 * closes, so that it ends with the test that started it.
 */
public final class CdsProbeMain {

	private CdsProbeMain() {
	}

	public static void main(String[] args) throws IOException {
		Payload payload = new Payload(args.length);
		if ("onRefresh".equals(System.getProperty("spring.context.exit"))) {
			String runs = System.getenv("CDS_PROBE_RUNS");
			if (runs != null) {
				Files.writeString(Path.of(runs), "training " + payload + "\n", StandardCharsets.UTF_8,
						StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			return;
		}
		System.out.println("DISCORDOO-IPC-READY port=1 id=" + System.getenv("DISCORDOO_SHARDING_INSTANCE_ID"));
		System.out.flush();
		while (System.in.read() != -1) {
			// only the end of stdin matters
		}
	}

	/** A class of the application besides its main class, for the archive to hold. */
	record Payload(int size) {
	}

}
