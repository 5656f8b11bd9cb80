package dev.discordoo.sharding.cds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * A hash of what a child's Spring configuration comes from besides its jar: the variables the
 * manager gives it, the environment it inherits, and the Spring Boot configuration files its
 * working directory holds. Spring AOT fixes a child's beans when its entry is made, so that
 * an entry made under another configuration must not be used: the hash is part of its key.
 * Only the hash is kept, never a value (the environment holds secrets).
 */
final class ConfigurationFingerprint {

	/**
	 * Variables that a shell, a terminal or a service manager sets anew for every start and
	 * that no application configures beans with: with them, every start would make a new
	 * entry.
	 */
	static final Set<String> VOLATILE_VARIABLES = Set.of("_", "OLDPWD", "SHLVL", "INVOCATION_ID", "JOURNAL_STREAM",
			"SYSTEMD_EXEC_PID", "MANAGERPID", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "SSH_AUTH_SOCK",
			"TERM_SESSION_ID", "WINDOWID", "XDG_SESSION_ID", "TMUX", "TMUX_PANE", "STY", "WT_SESSION");

	/** The protocol's variables of one spawn: another value for every child, never a bean's. */
	private static final Set<String> SPAWN_VARIABLES = Set.of(InstanceEnvironment.MANAGER_ID,
			InstanceEnvironment.INSTANCE_ID, InstanceEnvironment.INSTANCE_INDEX, InstanceEnvironment.TOKEN,
			InstanceEnvironment.SPARE);

	/** Spring Boot's configuration files, as its default locations find them. */
	private static final Pattern CONFIGURATION_FILE = Pattern.compile("application.*\\.(properties|ya?ml)");

	private ConfigurationFingerprint() {
	}

	/**
	 * Hash a child's configuration.
	 * @param childEnvironment the variables the manager gives every child
	 * @param inherited the environment the child inherits from the manager
	 * @param workingDirectory the child's working directory
	 * @return the hash, in hexadecimal
	 * @throws IOException if a configuration file cannot be read
	 */
	static String of(Map<String, String> childEnvironment, Map<String, String> inherited, Path workingDirectory)
			throws IOException {
		Map<String, String> variables = new TreeMap<>(inherited);
		variables.putAll(childEnvironment);
		variables.keySet().removeAll(VOLATILE_VARIABLES);
		variables.keySet().removeAll(SPAWN_VARIABLES);
		MessageDigest digest = sha256();
		variables.forEach((name, value) -> update(digest, "env", name, value.getBytes(StandardCharsets.UTF_8)));
		for (Path file : configurationFiles(workingDirectory)) {
			update(digest, "file", workingDirectory.relativize(file).toString(), Files.readAllBytes(file));
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/** The files of Boot's default locations: {@code ./}, {@code ./config/}, {@code ./config/* /}. */
	private static List<Path> configurationFiles(Path workingDirectory) throws IOException {
		List<Path> directories = new ArrayList<>(List.of(workingDirectory));
		Path config = workingDirectory.resolve("config");
		if (Files.isDirectory(config)) {
			directories.add(config);
			try (Stream<Path> children = Files.list(config)) {
				children.filter(Files::isDirectory).sorted().forEach(directories::add);
			}
		}
		List<Path> files = new ArrayList<>();
		for (Path directory : directories) {
			try (Stream<Path> children = Files.list(directory)) {
				children.filter((path) -> CONFIGURATION_FILE.matcher(path.getFileName().toString()).matches())
					.filter(Files::isRegularFile)
					.sorted()
					.forEach(files::add);
			}
		}
		return files;
	}

	private static void update(MessageDigest digest, String kind, String name, byte[] value) {
		// lengths first, so that no two different inputs hash the same concatenation
		byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
		digest.update((kind + ":" + nameBytes.length + ":" + value.length + ":").getBytes(StandardCharsets.UTF_8));
		digest.update(nameBytes);
		digest.update(value);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK has SHA-256", ex);
		}
	}

}
