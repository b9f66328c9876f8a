using Smog.Suite.Results;
using Smog.Suite.Selection;

namespace Smog.Suite.Runner;

/// <summary>What the runner tells the console as it goes; every call may come from any thread.</summary>
public interface IRunProgress
{
    void Discovered(CloudState cloud);
    void Started(string scenario);
    /// <summary>The step a scenario is now waiting on ("boot guest", "hard reboot").</summary>
    void Step(string scenario, string step);
    void Finished(ScenarioResult result);
    void CleaningUp();
}

public sealed class NoProgress : IRunProgress
{
    public static readonly NoProgress Instance = new();
    public void Discovered(CloudState cloud) { }
    public void Started(string scenario) { }
    public void Step(string scenario, string step) { }
    public void Finished(ScenarioResult result) { }
    public void CleaningUp() { }
}
