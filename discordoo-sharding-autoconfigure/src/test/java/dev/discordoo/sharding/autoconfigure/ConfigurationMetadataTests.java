package dev.discordoo.sharding.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the annotation processor generates from
 * {@link ShardingProperties}: what an IDE completes.
 */
class ConfigurationMetadataTests {

	@Test
	void everyShardingPropertyHasADescriptionInBootsStyle() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			if (!name.startsWith("discordoo.sharding.")) {
				continue;
			}
			names.add(name);
			String description = property.path("description").asString("");
			assertThat(description).as(name).isNotBlank().doesNotStartWith("The ").doesNotContain("{@");
			assertThat(Character.isUpperCase(description.charAt(0))).as(name + ": " + description).isTrue();
		}
		assertThat(names).contains("discordoo.sharding.mode", "discordoo.sharding.shards",
				"discordoo.sharding.heartbeat.interval", "discordoo.sharding.restart.max-restarts",
				"discordoo.sharding.ipc.max-frame-size", "discordoo.sharding.processes.jvm-args");
	}

}
