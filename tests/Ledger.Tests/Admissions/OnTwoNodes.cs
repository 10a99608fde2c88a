using Ledger.Tests.Infrastructure;

namespace Ledger.Tests.Admissions;

// Issue 4's admission tests again, with every client sending its requests to two API nodes on one database in
// turn (issue 19): each node decides from its own leases or in the database, and the answers must not change.

[Collection(TwoNodesCollection.Name)]
public sealed class AdmitTestsOnTwoNodes(TwoNodes nodes) : AdmitTests(nodes.App);

[Collection(TwoNodesCollection.Name)]
public sealed class RefusedAdmissionTestsOnTwoNodes(TwoNodes nodes) : RefusedAdmissionTests(nodes.App);

[Collection(TwoNodesCollection.Name)]
public sealed class CapSettingTestsOnTwoNodes(TwoNodes nodes) : CapSettingTests(nodes.App);

[Collection(TwoNodesCollection.Name)]
public sealed class ConcurrentAdmissionsTestsOnTwoNodes(TwoNodes nodes) : ConcurrentAdmissionsTests(nodes.App);
