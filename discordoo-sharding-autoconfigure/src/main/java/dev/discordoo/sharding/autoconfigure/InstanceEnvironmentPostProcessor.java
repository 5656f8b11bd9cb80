package dev.discordoo.sharding.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * Makes a sharding instance a quiet background application: no web server (the manager's
 * {@code server.port} must not make children collide) and no banner; a child process is kept
 * alive until its context closes, even when the bot's own threads are all daemons. An
 * application that sets {@code discordoo.sharding.instance.web-application-type} keeps that
 * instead. A child whose manager logs its output again logs in the compact pattern the
 * manager gives it, unless {@code logging.pattern.console} is set.
 *
 * <p>An instance without a web server has nobody to serve actuator endpoints to, so it
 * creates none ({@code management.endpoints.access.default=none}) unless its configuration
 * says otherwise: a lighter context that starts sooner. Its health and metrics beans stay, for
 * a metrics registry that pushes.
 */
class InstanceEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!ShardingRoleCondition.isInstance(environment)) {
			return;
		}
		String webType = environment.getProperty("discordoo.sharding.instance.web-application-type", "none");
		boolean worker = Boolean.parseBoolean(environment.getProperty(InstanceEnvironment.WORKER, "false"));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("discordooShardingInstance",
					Map.of("spring.main.web-application-type", webType, "spring.main.banner-mode", "off",
							"spring.main.keep-alive", Boolean.toString(!worker))));
		// last: the same properties from anywhere else still win
		Map<String, Object> defaults = new LinkedHashMap<>();
		String consolePattern = environment.getProperty(InstanceEnvironment.CONSOLE_LOG_PATTERN);
		if (consolePattern != null && !consolePattern.isBlank()) {
			defaults.put("logging.pattern.console", consolePattern);
		}
		if ("none".equalsIgnoreCase(webType)) {
			defaults.put("management.endpoints.access.default", "none");
		}
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource("discordooShardingInstanceDefaults", defaults));
		}
	}

}
