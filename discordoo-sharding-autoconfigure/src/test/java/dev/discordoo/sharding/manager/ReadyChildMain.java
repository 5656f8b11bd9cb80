package dev.discordoo.sharding.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A child process for {@link ChildProcessTests}: prints some output, a near miss of the
 * ready line, the ready line with the port given as first argument and the instance id
 * from its environment, more output, then waits until its stdin closes (so that it also
 * ends if the test JVM dies).
 */
final class ReadyChildMain {

	private ReadyChildMain() {
	}

	public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
		System.out.println("starting instance " + System.getenv("DISCORDOO_SHARDING_INSTANCE_INDEX"));
		System.err.println("a warning on stderr");
		// The token itself is never printed: only whether it arrived and its hash.
		System.out.println("token-sha256=" + sha256(System.getenv("DISCORDOO_SHARDING_TOKEN")));
		System.out.println("DISCORDOO-IPC-READY port=" + args[0] + " id=12x");
		System.out.println("DISCORDOO-IPC-READY port=" + args[0] + " id=" + System.getenv("DISCORDOO_SHARDING_INSTANCE_ID"));
		System.out.println("DISCORDOO-IPC-READY port=1 id=1");
		System.out.println("after ready");
		while (System.in.read() != -1) {
			// Ignore input: only its end matters.
		}
	}

	static String sha256(String text) throws NoSuchAlgorithmException {
		if (text == null) {
			return "none";
		}
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
	}

}
