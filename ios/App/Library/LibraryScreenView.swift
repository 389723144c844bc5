// The library screen: draws the core's LibraryView as it is and sends back what the patient did.
// No rule here: the names, dates, kinds and counts, what the search matches, the empty text and
// the delete question, the title, the search prompt and the ways to the other screens (the view's
// `actions`) are the core's. Swipe to delete, pull to refresh and the alert's OK are worded and
// voiced by iOS in the patient's language.

import Scanpass
import ScanpassKit
import SwiftUI

struct LibraryScreenView: View {
    let store: LibraryStore
    let app: AppStore

    var body: some View {
        content
            .navigationTitle(store.view?.title ?? "Scanpass")
            .toolbar { toolbar }
            .searchable(text: searchText, prompt: store.view?.searchLabel ?? "")
            .refreshable { await store.load() }
            // follows the vault while the screen shows; cancelled when it goes
            .task { await store.followChanges() }
            .confirmationDialog(
                store.confirmation?.title ?? "",
                isPresented: confirming,
                titleVisibility: .visible,
                presenting: store.confirmation
            ) { question in
                Button(question.confirm, role: question.destructive ? .destructive : nil) {
                    Task { await store.confirmDelete() }
                }
                // also what a tap outside the dialog does
                Button(question.cancel, role: .cancel) {
                    Task { await store.cancelDelete() }
                }
            } message: { question in
                Text(question.message)
            }
            .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    @ViewBuilder
    private var content: some View {
        switch store.view {
        case nil:
            ProgressView()
        case let .some(view):
            LibraryList(
                view: view,
                delete: { id in Task { await store.askDelete(studyId: id) } },
                share: { id in app.show(.share(studyId: id)) },
                showDoctor: { id in Task { await app.appointment?.enter(studyId: id, hidePatientName: true) } }
            )
        }
    }

    /// The ways to the other screens, as the core's view lists them (its words, its order): the
    /// first (adding images) as a toolbar button, the others and the lock in the menu.
    @ToolbarContentBuilder
    private var toolbar: some ToolbarContent {
        if let view = store.view {
            if let add = view.actions.first(where: { $0.destination == .addImages }) {
                ToolbarItem(placement: .primaryAction) {
                    Button { go(add.destination) } label: { Image(systemName: "plus") }
                        .accessibilityLabel(add.label)
                }
            }
            ToolbarItem(placement: .topBarLeading) {
                Menu {
                    ForEach(view.actions.filter { $0.destination != .addImages }, id: \.label) { action in
                        Button { go(action.destination) } label: { Label(action.label, systemImage: Self.symbol(action.destination)) }
                    }
                    if let lock = app.startStore?.view?.lockLabel {
                        Button { Task { await app.lock() } } label: { Label(lock, systemImage: "lock") }
                    }
                } label: {
                    Image(systemName: "ellipsis.circle")
                }
                .accessibilityLabel(view.moreLabel)
            }
        }
    }

    /// Where the core's action leads in the app's navigation (a mapping, no rule).
    private func go(_ destination: LibraryDestination) {
        switch destination {
        case .addImages: app.show(.importImages)
        case .receive: app.show(.receive)
        case .myShares: app.open(.myShares)
        case .requests: app.open(.requests)
        case .settings: app.open(.settings)
        }
    }

    private static func symbol(_ destination: LibraryDestination) -> String {
        switch destination {
        case .addImages: "plus"
        case .receive: "link"
        case .myShares: "square.and.arrow.up.on.square"
        case .requests: "envelope"
        case .settings: "gear"
        }
    }

    private var searchText: Binding<String> {
        Binding(get: { store.query }, set: { store.type($0) })
    }

    /// Shown while the core has a question; its buttons send the answer (the dialog's own
    /// dismissal sends nothing, so an answer is never followed by a second one).
    private var confirming: Binding<Bool> {
        Binding(get: { store.confirmation != nil }, set: { _ in })
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { shown in if !shown { store.dismissMessage() } })
    }
}

/// The list of patients and their studies, or the core's empty text.
struct LibraryList: View {
    let view: LibraryView
    /// The patient asked to delete the study with this id.
    let delete: (String) -> Void
    /// ... to share it, or to show it to a doctor (appointment mode).
    var share: (String) -> Void = { _ in }
    var showDoctor: (String) -> Void = { _ in }

    var body: some View {
        List {
            ForEach(view.patients, id: \.id) { patient in
                Section {
                    ForEach(patient.studies, id: \.id) { study in
                        NavigationLink(value: Route.study(id: study.id)) {
                            StudyRow(study: study)
                        }
                        .contextMenu {
                            Button { share(study.id) } label: { Label(study.shareLabel, systemImage: "square.and.arrow.up") }
                            Button { showDoctor(study.id) } label: { Label(study.showDoctorLabel, systemImage: "stethoscope") }
                        }
                        .swipeActions(edge: .leading) {
                            Button { share(study.id) } label: { Label(study.shareLabel, systemImage: "square.and.arrow.up") }
                        }
                        .accessibilityAction(named: study.shareSpoken) { share(study.id) }
                        .accessibilityAction(named: study.showDoctorLabel) { showDoctor(study.id) }
                    }
                    .onDelete { rows in
                        rows.map { patient.studies[$0].id }.forEach(delete)
                    }
                } header: {
                    PatientHeader(patient: patient)
                }
            }
        }
        .listStyle(.insetGrouped)
        .overlay {
            view.empty.map { EmptyLibraryView(text: $0) }
        }
    }
}

struct PatientHeader: View {
    let patient: PatientCard

    var body: some View {
        VStack(alignment: .leading, spacing: Theme.Spacing.small) {
            Text(patient.name)
                .font(.headline)
                .foregroundStyle(.primary)
            Text(patient.summary)
                .detailStyle()
        }
        .textCase(nil)
        .accessibilityElement(children: .combine)
        .accessibilityAddTraits(.isHeader)
    }
}

struct StudyRow: View {
    let study: StudyCard

    var body: some View {
        VStack(alignment: .leading, spacing: Theme.Spacing.small) {
            Text(study.title)
                .font(.body)
            Text(study.date)
                .detailStyle()
            Text(study.kinds)
                .detailStyle()
            Text(study.counts)
                .detailStyle()
        }
        .padding(.vertical, Theme.Spacing.small)
        // one VoiceOver element: title, date, kinds, counts, in the core's words
        .accessibilityElement(children: .combine)
    }
}

struct EmptyLibraryView: View {
    let text: String

    var body: some View {
        ContentUnavailableView {
            Image(systemName: "photo.on.rectangle.angled")
                .accessibilityHidden(true)
        } description: {
            Text(text)
        }
    }
}

// MARK: - Previews: the screen is a function of the core's view model, so a model built here is
// all a preview needs (light, dark, the largest accessibility text size, the empty library). The
// words below are sample data in the shape the core gives, not text the app shows.

private let sampleView = LibraryView(
    revision: 1,
    search: "",
    patients: [
        PatientCard(
            id: "p1", name: "Jane Doe", summary: "2 studies",
            studies: [
                StudyCard(id: "s1", title: "MR-Brain w/o Contrast", kinds: "MRI", date: "8 March 2013",
                          counts: "1 series · 192 images"),
                StudyCard(id: "s2", title: "CT scan", kinds: "CT scan", date: "15 January 2026",
                          counts: "2 series · 310 images"),
            ]),
    ],
    empty: nil,
    confirm: nil
)

#Preview("Library") {
    NavigationStack { LibraryList(view: sampleView, delete: { _ in }) }
}

#Preview("Library, dark, largest text") {
    NavigationStack { LibraryList(view: sampleView, delete: { _ in }) }
        .preferredColorScheme(.dark)
        .dynamicTypeSize(.accessibility5)
}

#Preview("Empty") {
    NavigationStack {
        LibraryList(
            view: LibraryView(revision: 0, search: "", patients: [],
                              empty: "No images yet. Import a CD, a USB stick or a link.", confirm: nil),
            delete: { _ in })
    }
}
