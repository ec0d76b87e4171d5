using BuildSwarm.Cli;

return await CliApp.RunAsync(args);
