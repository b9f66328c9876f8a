using Smog.Cli;

return SmogApp.Run(args);
