package dev.discordoo.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.discordoo.sharding.EnableSharding;

/**
 * A sharded bot whose gateway shards are simulated: no Discord connection, no token. Started
 * plainly it is the sharding manager and spawns its instances, which run this same class.
 */
@SpringBootApplication
@EnableSharding
public class SampleBotApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleBotApplication.class, args);
	}

}
