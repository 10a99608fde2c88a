namespace Ledger.Api.Admissions.Events;

/// <summary>EXPERIMENT (issue 20): the events of one admission transaction decided in the database, carried by Wolverine.</summary>
public sealed record AdmissionEventsDecided(AdmissionEventRow[] Events);

public sealed record AdmissionEventRow(Guid OrganizationId, string Type, string Body);
