package dev.discordoo.sharding.manager;

/**
 * Starts sharding instances. Declare a bean of this type to replace the launcher the
 * configured mode picks.
 */
@FunctionalInterface
public interface InstanceLauncher {

	/**
	 * Start one attempt of an instance. May block while it starts.
	 * @param spawn who the instance is and its secret
	 * @return the running instance
	 * @throws Exception if it could not be started
	 */
	LaunchedInstance launch(InstanceSpawn spawn) throws Exception;

}
