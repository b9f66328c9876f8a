namespace Smog.Nova.Scheduling;

/// <summary>
/// A slot for a value a record derives from its own members. Every slot equals every other, so
/// the record's value equality ignores it; a <c>with</c> copy shares the slot, so readers must
/// check that the value still belongs to their members before using it.
/// </summary>
internal sealed class CacheSlot<T> where T : class
{
    public T? Value { get; set; }

    public override bool Equals(object? obj) => obj is CacheSlot<T>;
    public override int GetHashCode() => 0;
}
