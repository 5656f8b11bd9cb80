package dev.discordoo.sharding.cds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigurationFingerprint}: what changes a child's configuration changes
 * the hash, and what a shell or one spawn changes does not.
 */
class ConfigurationFingerprintTests {

	private static final Map<String, String> CHILD = Map.of("SPRING_APPLICATION_JSON", "{\"bot.prefix\":\"!\"}");

	private static final Map<String, String> INHERITED = Map.of("HOME", "/home/bot", "SPRING_PROFILES_ACTIVE", "prod");

	@TempDir
	Path directory;

	@Test
	void theSameConfigurationHashesTheSame() throws Exception {
		assertThat(hash(CHILD, INHERITED)).isEqualTo(hash(Map.copyOf(CHILD), Map.copyOf(INHERITED)));
	}

	@Test
	void aVariableGivenToTheChildrenOrInheritedChangesTheHash() throws Exception {
		String base = hash(CHILD, INHERITED);
		assertThat(hash(Map.of("SPRING_APPLICATION_JSON", "{\"bot.prefix\":\"?\"}"), INHERITED)).isNotEqualTo(base);
		assertThat(hash(CHILD, Map.of("HOME", "/home/bot", "SPRING_PROFILES_ACTIVE", "dev"))).isNotEqualTo(base);
		assertThat(hash(CHILD, Map.of("HOME", "/home/bot"))).isNotEqualTo(base);
	}

	@Test
	void aVariableMovedBetweenTheChildAndTheInheritedEnvironmentHashesTheSame() throws Exception {
		// the child sees one environment: where a variable came from makes no other bean
		assertThat(hash(Map.of(), Map.of("A", "1", "B", "2"))).isEqualTo(hash(Map.of("A", "1"), Map.of("B", "2")));
	}

	@Test
	void whatAShellOrOneSpawnSetsDoesNotChangeTheHash() throws Exception {
		String base = hash(CHILD, INHERITED);
		Map<String, String> shell = new java.util.HashMap<>(INHERITED);
		shell.put("SHLVL", "3");
		shell.put("INVOCATION_ID", "8f0c2a");
		shell.put("_", "/usr/bin/java");
		assertThat(hash(CHILD, shell)).isEqualTo(base);
		Map<String, String> spawn = new java.util.HashMap<>(CHILD);
		spawn.put("DISCORDOO_SHARDING_INSTANCE_ID", "42");
		spawn.put("DISCORDOO_SHARDING_INSTANCE_INDEX", "3");
		spawn.put("DISCORDOO_SHARDING_SPARE", "true");
		assertThat(hash(spawn, INHERITED)).isEqualTo(base);
	}

	@Test
	void springBootConfigurationFilesOfTheWorkingDirectoryChangeTheHash() throws Exception {
		String base = hash(CHILD, INHERITED);
		Files.writeString(this.directory.resolve("notes.txt"), "not configuration");
		assertThat(hash(CHILD, INHERITED)).isEqualTo(base);
		Files.writeString(this.directory.resolve("application.yml"), "bot.feature: true\n");
		String withFile = hash(CHILD, INHERITED);
		assertThat(withFile).isNotEqualTo(base);
		Files.writeString(this.directory.resolve("application.yml"), "bot.feature: false\n");
		assertThat(hash(CHILD, INHERITED)).isNotEqualTo(withFile).isNotEqualTo(base);
		Path profile = Files.createDirectories(this.directory.resolve("config/prod"));
		String beforeProfile = hash(CHILD, INHERITED);
		Files.writeString(profile.resolve("application-prod.properties"), "bot.feature=true\n");
		assertThat(hash(CHILD, INHERITED)).isNotEqualTo(beforeProfile);
	}

	private String hash(Map<String, String> child, Map<String, String> inherited) throws Exception {
		return ConfigurationFingerprint.of(child, inherited, this.directory);
	}

}
