namespace Smog.Cloud.Simulation;

/// <summary>What kind of refusal, so the HTTP layer can pick Nova's status and error body.</summary>
public enum SimulationFault
{
    /// <summary>404 itemNotFound.</summary>
    NotFound,
    /// <summary>409 conflictingRequest (duplicate name, wrong state for the action).</summary>
    Conflict,
    /// <summary>400 badRequest.</summary>
    BadRequest,
}

/// <summary>A request the simulation refuses, worded as Nova words it ("Flavor x could not be found.").</summary>
public sealed class SimulationException(SimulationFault fault, string message) : Exception(message)
{
    public SimulationFault Fault { get; } = fault;
}
