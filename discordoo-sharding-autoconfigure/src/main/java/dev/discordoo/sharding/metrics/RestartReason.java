package dev.discordoo.sharding.metrics;

import java.util.Locale;

/**
 * The low-cardinality category of why an instance was restarted, for the {@code reason} tag.
 * Derived from the failure text the manager records, whose wording is fixed by
 * {@code InstanceHandle}: free text (exit codes, addresses, exception messages) must never
 * become a tag value.
 */
enum RestartReason {

	/** The process or worker ended on its own, or before it announced its port. */
	EXITED("exited"),

	/** The manager link went silent for heartbeat interval × tolerance. */
	HEARTBEAT("heartbeat"),

	/** The link closed, broke the protocol, failed to send, or the handshake failed. */
	LINK("link"),

	/** No IDENTIFY within the spawn timeout. */
	SPAWN_TIMEOUT("spawn-timeout"),

	/** The instance's local client (the bot) failed to start. */
	START_FAILED("start-failed"),

	/** The process or worker could not be launched at all. */
	LAUNCH_FAILED("launch-failed"),

	/** Anything else. */
	OTHER("other");

	private final String tag;

	RestartReason(String tag) {
		this.tag = tag;
	}

	String tag() {
		return this.tag;
	}

	static RestartReason of(String reason) {
		if (reason == null) {
			return OTHER;
		}
		String text = reason.toLowerCase(Locale.ROOT);
		if (text.startsWith("exited unexpectedly") || text.startsWith("ended before it announced its port")) {
			return EXITED;
		}
		if (text.startsWith("link lost")) {
			return text.contains("heartbeat_timeout") ? HEARTBEAT : LINK;
		}
		if (text.startsWith("handshake failed")) {
			// an instance may report CLIENT_START_FAILED before the manager saw its IDENTIFY
			return text.contains("failed to start") ? START_FAILED : LINK;
		}
		if (text.startsWith("no identify within the spawn timeout")) {
			return SPAWN_TIMEOUT;
		}
		if (text.startsWith("its local client failed to start")) {
			return START_FAILED;
		}
		if (text.startsWith("could not be launched")) {
			return LAUNCH_FAILED;
		}
		return OTHER;
	}

}
