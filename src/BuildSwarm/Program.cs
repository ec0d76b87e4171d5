return await BuildSwarm.SwarmCommandLine.RunAsync(args);
