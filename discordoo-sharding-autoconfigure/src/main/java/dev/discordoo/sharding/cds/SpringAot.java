package dev.discordoo.sharding.cds;

import java.util.Map;

/**
 * Spring AOT for the children of a {@link ClassDataCache}: once per entry, the application's
 * context is processed ahead of time (Spring Boot's {@code SpringApplicationAotProcessor}) in
 * the environment of a sharding instance, the generated sources are compiled with the
 * children's own JDK, and children start with {@code -Dspring.aot.enabled=true}: their bean
 * definitions are then code instead of configuration classes parsed and conditions evaluated
 * at every start.
 *
 * <p>Conditions are evaluated once, when the entry is made, so that the entry is keyed by
 * everything that a child's configuration comes from besides the jar: the variables given
 * here, the environment this JVM passes on to its children (without a few that a shell or
 * service manager changes at every start) and the {@code application*.properties} and
 * {@code .yml} files in the working directory and its {@code config} directory. Anything
 * else that decides which beans a child has (a configuration server, a file named by
 * {@code spring.config.location} that changes in place) is not seen: such applications turn
 * Spring AOT off.
 *
 * @param childEnvironment the variables every child gets on top of this JVM's environment,
 * before the protocol's variables of each spawn
 */
public record SpringAot(Map<String, String> childEnvironment) {

	/** The JVM option that makes a Spring application use its AOT-generated code. */
	static final String ENABLED_OPTION = "-Dspring.aot.enabled=true";

	/**
	 * Copy the variables.
	 */
	public SpringAot {
		childEnvironment = Map.copyOf(childEnvironment);
	}

}
