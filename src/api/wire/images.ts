// Image records → Docker's JSON: inspect (ImageInspect), list (ImageSummary), history.
import type { ImageSummary, HistoryItem } from '../../engine/images/service.js'

export function imageInspectJson(s: ImageSummary) {
  const r = s.record
  const c = r.config
  const cfg = c.config ?? {}
  return {
    Id: r.id,
    RepoTags: s.repoTags,
    RepoDigests: s.repoDigests,
    Parent: r.parent ?? '',
    Comment: (c.history ?? []).at(-1)?.comment ?? '',
    Created: c.created ?? r.created,
    DockerVersion: (c.docker_version as string | undefined) ?? '',
    Author: c.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: cfg.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: cfg.ExposedPorts,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: cfg.Env ?? null,
      Cmd: cfg.Cmd ?? null,
      Image: '',
      Volumes: cfg.Volumes ?? null,
      WorkingDir: cfg.WorkingDir ?? '',
      Entrypoint: cfg.Entrypoint ?? null,
      OnBuild: cfg.OnBuild ?? null,
      Labels: cfg.Labels ?? null,
      ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
      ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
      ...(cfg.Shell ? { Shell: cfg.Shell } : {}),
    },
    Architecture: c.architecture ?? 'amd64',
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os ?? 'linux',
    Size: r.size,
    VirtualSize: r.size,
    GraphDriver: { Name: 'overlay2', Data: null },
    RootFS: { Type: 'layers', Layers: r.diffIds },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  }
}

export function imageSummaryJson(s: ImageSummary, containers: number) {
  const r = s.record
  return {
    Id: r.id,
    ParentId: r.parent ?? '',
    RepoTags: s.repoTags.length > 0 ? s.repoTags : ['<none>:<none>'],
    RepoDigests: s.repoDigests.length > 0 ? s.repoDigests : s.repoTags.length > 0 ? [] : ['<none>@<none>'],
    Created: Math.floor(Date.parse(r.config.created ?? r.created) / 1000),
    Size: r.size,
    SharedSize: -1,
    VirtualSize: r.size,
    Labels: r.config.config?.Labels ?? {},
    Containers: containers,
  }
}

export function historyJson(items: HistoryItem[]) {
  return items.map((h) => ({
    Id: h.id,
    Created: h.created,
    CreatedBy: h.createdBy,
    Tags: h.tags.length > 0 ? h.tags : null,
    Size: h.size,
    Comment: h.comment ?? '',
  }))
}
