package dev.discordoo.sharding.manager;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ProcessInstanceLauncher}'s environment of a child.
 */
class ProcessInstanceLauncherTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void instancePropertiesGoIntoSpringApplicationJson() {
		Map<String, String> environment = ProcessInstanceLauncher.childEnvironment(Map.of("TZ", "UTC"),
				Map.of("bot.secret", "s3cret"), null);
		assertThat(environment).containsEntry("TZ", "UTC")
			.containsEntry(InstanceEnvironment.STDIN_GUARD, "true")
			.containsEntry(InstanceEnvironment.CONSOLE_LOG_PATTERN, ProcessInstanceLauncher.CHILD_CONSOLE_LOG_PATTERN);
		assertThat(json.readTree(environment.get("SPRING_APPLICATION_JSON")))
			.isEqualTo(json.readTree("{\"bot.secret\":\"s3cret\"}"));
	}

	@Test
	void aSpringApplicationJsonTheUserGaveIsKeptAndTheInstancePropertiesWin() {
		String given = "{\"bot\":{\"secret\":\"old\",\"name\":\"b\",\"ids\":[1,2]},\"debug\":true}";
		Map<String, String> environment = ProcessInstanceLauncher.childEnvironment(
				Map.of("SPRING_APPLICATION_JSON", given), Map.of("bot.secret", "new"), "{\"inherited\":1}");
		JsonNode merged = json.readTree(environment.get("SPRING_APPLICATION_JSON"));
		assertThat(merged).isEqualTo(json.readTree(
				"{\"bot.secret\":\"new\",\"bot.name\":\"b\",\"bot.ids[0]\":1,\"bot.ids[1]\":2,\"debug\":true}"));
	}

	@Test
	void anInheritedSpringApplicationJsonIsKept() {
		Map<String, String> environment = ProcessInstanceLauncher.childEnvironment(Map.of(), Map.of("a", "1"),
				"{\"inherited\":{\"x\":\"y\"}}");
		assertThat(json.readTree(environment.get("SPRING_APPLICATION_JSON")))
			.isEqualTo(json.readTree("{\"inherited.x\":\"y\",\"a\":\"1\"}"));
	}

	@Test
	void withoutInstancePropertiesTheUsersJsonIsLeftAlone() {
		Map<String, String> environment = ProcessInstanceLauncher.childEnvironment(
				Map.of("SPRING_APPLICATION_JSON", "{\"a\":{\"b\":1}}"), Map.of(), null);
		assertThat(environment).containsEntry("SPRING_APPLICATION_JSON", "{\"a\":{\"b\":1}}");
	}

	@Test
	void aUserGivenConsolePatternVariableWins() {
		Map<String, String> environment = ProcessInstanceLauncher.childEnvironment(
				Map.of(InstanceEnvironment.CONSOLE_LOG_PATTERN, "%m%n"), Map.of(), null);
		assertThat(environment).containsEntry(InstanceEnvironment.CONSOLE_LOG_PATTERN, "%m%n");
	}

	@Test
	void aSpringApplicationJsonThatIsNotAnObjectIsRefusedWithoutShowingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProcessInstanceLauncher.childEnvironment(Map.of("SPRING_APPLICATION_JSON", "[\"s3cret\"]"),
					Map.of("a", "1"), null))
			.withMessageNotContaining("s3cret");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProcessInstanceLauncher.childEnvironment(Map.of("SPRING_APPLICATION_JSON", "{s3cret"),
					Map.of("a", "1"), null))
			.withMessageNotContaining("s3cret");
	}

}
